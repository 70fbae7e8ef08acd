"""`import newsbrief` and `newsbrief --help` must not pull in torch or transformers."""

import subprocess
import sys

HEAVY = ("torch", "transformers", "sentencepiece", "numpy", "langid", "pycld2", "langdetect",
         "fastapi", "uvicorn", "starlette")


def _loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint('LOADED:', *(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(out.stdout.splitlines()[-1].split()[1:])


def test_import_newsbrief_is_light():
    assert _loaded_after("import newsbrief") == set()


def test_article_model_is_light():
    assert _loaded_after("import newsbrief as nb; nb.Article.from_text('One. Two.')") == set()


def test_cli_help_is_light():
    code = ("import sys\nfrom newsbrief.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "try:\n    main(['detect', '--help'])\nexcept SystemExit:\n    pass\n"
            "try:\n    main(['serve', '--help'])\nexcept SystemExit:\n    pass")
    assert _loaded_after(code) == set()


def test_unknown_attribute_is_an_attribute_error():
    import newsbrief
    try:
        newsbrief.does_not_exist
    except AttributeError as exc:
        assert "does_not_exist" in str(exc)
    else:
        raise AssertionError("expected AttributeError")


def test_api_functions_stay_functions_after_every_submodule_is_imported():
    """A submodule named like a function (newsbrief.detect) would replace it on import."""
    import importlib
    import pkgutil

    import newsbrief

    for module in pkgutil.walk_packages(newsbrief.__path__, "newsbrief."):
        if module.name != "newsbrief.__main__":
            importlib.import_module(module.name)
    for name in ("detect", "translate", "summarize", "brief", "brief_many"):
        assert callable(getattr(newsbrief, name)), name
        assert not isinstance(getattr(newsbrief, name), type(newsbrief)), name
