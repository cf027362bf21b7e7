"""Importer: a raw article text (as copied from a web page) -> front matter + Markdown body.

Contract:
- `import_text(text, source_name) -> ImportResult` is pure. It never invents a
  value: what it cannot infer is `None` (written `null`) and listed in `notes`,
  together with everything it dropped (site chrome, a truncated teaser, pull
  quotes). The source's wording, spelling and punctuation are kept exactly;
  only whitespace is normalised, and Markdown metacharacters are escaped so
  that the body renders (CommonMark) to exactly the source text.
- `import_files(paths, root, force) -> int` writes `content/articles/<slug>.md`
  and a byte-exact `content/raw/<slug>.txt` per file, never overwriting either
  without `force`. Problems are reported on stderr as `path:line:col: error: ...`
  and the other files still go through; the exit code is 1 if any file failed.

The rules run in this order (`convert.import_text`), each a small function:
normalise whitespace (`text`), recover paragraphs and move related-link lines
(`paragraphs`, `related`), drop trailing site chrome (`cleanup`), take the
header: title, standfirst, section, caption, byline, dateline (`header`; it ends
at a teaser), take an author bio at the end, drop a truncated teaser (with any
chrome between it and its full copy), drop pull quotes, drop trailing chrome
again (`cleanup`), escape Markdown (`escape`). Writing files,
slugs and the per-file report are in `files`.
"""
from __future__ import annotations

from .convert import import_text
from .files import import_files
from .model import ImportResult

__all__ = ["ImportResult", "import_files", "import_text"]
