"""Voice: audio, wake word and end of speech, Whisper, the readings of a transcript and their repair against
the audio, Piper, and the one spoken-turn path (`pipeline.VoicePipeline.hear`) that the live loop, files
and the evaluation share."""

__all__ = [
    "audio", "listen", "live", "mishearings", "pipeline", "readings", "soundalike", "stt", "tts",
    "vocabulary",
]
