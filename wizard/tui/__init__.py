"""The Textual app of the 医保 eligibility wizard (a driver around the pure core)."""
