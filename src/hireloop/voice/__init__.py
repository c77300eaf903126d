"""Voice interviews: questions spoken, answers recorded, transcribed and confirmed (issue 16)."""
