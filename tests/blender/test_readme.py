"""The README's examples run as written: the snippet under "Using it in Blender" twice in one
session (each call replacing what the first run made) and again in a new one, whose files are
there already."""
import os
import subprocess

from conftest import ROOT, build_dir, python_command

PLACEHOLDER = "/path/to/bakeview/build/python"


def readme_snippet():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        text = f.read()
    section = text[text.index("## Using it in Blender"):]
    start = section.index("```python\n") + len("```python\n")
    return section[start:section.index("```", start)]


def test_the_readme_snippet_runs_as_written_twice(tmp_path):
    code = readme_snippet()
    assert PLACEHOLDER in code
    code = code.replace(PLACEHOLDER, os.path.join(build_dir(), "python"))
    script = tmp_path / "snippet.py"
    script.write_text(f"import sys\nSNIPPET = {code!r}\n"
                      "for _ in range(int(sys.argv[-1])):\n"
                      "    exec(compile(SNIPPET, 'README.md', 'exec'), {'__name__': '__main__'})\n")
    for runs in (2, 1):  # twice in one session, then in a new session with the files there
        done = subprocess.run(python_command(str(script)) + [str(runs)], cwd=tmp_path,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        assert "Traceback" not in done.stderr, done.stderr[-3000:]
    assert sorted(os.listdir(tmp_path / "out")) == ["atlas.json", "atlas.png", "hero.json",
                                                    "hero.png"]
