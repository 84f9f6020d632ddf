"""The wizard app's screens: they show a state and return what the person did, never what comes next."""
