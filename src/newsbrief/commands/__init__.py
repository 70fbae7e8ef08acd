"""The subcommands of `newsbrief` other than summarize and detect (cli.py): translate, models, cache."""
