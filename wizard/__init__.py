"""医保 eligibility wizard: flows of questions that end in a conclusion quoting the law."""

__version__ = "0.1.0"
