"""homebody's assistant: the turn pipeline, understanding, voice, memory and the edges that drive them."""
