"""The one exception the voice package raises for anything a user can fix."""


class VoiceError(Exception):
    """A one-line English message: missing program, model or clip, bad ticket number..."""
