"""Skills: the plugin API (`skills.api`) and the built-in skills, which use only that API."""
