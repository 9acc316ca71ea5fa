#!/usr/bin/env python3
"""Checks every relative Markdown link and image in README.md and docs/*.md: the file exists, and an
#anchor names a heading of the target file (GitHub's anchor rules). Prints each broken link; exit 1 if any."""
import pathlib, re, sys
root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else '.').resolve()
files = [root / 'README.md'] + sorted((root / 'docs').glob('*.md'))
def anchors(path):
    out, seen, fence = set(), {}, False
    for line in path.read_text().split('\n'):
        if line.startswith('```'): fence = not fence; continue
        m = None if fence else re.match(r'#{1,6}\s+(.*)', line)
        if not m: continue
        a = re.sub(r'[^\w\- ]', '', m.group(1).strip().lower().replace('`', '')).replace(' ', '-')
        n = seen.get(a, 0); seen[a] = n + 1
        out.add(a if n == 0 else f'{a}-{n}')
    return out
bad = total = 0
for f in files:
    text = re.sub(r'```.*?```', '', f.read_text(), flags=re.S)
    for m in re.finditer(r'!?\[[^\]]*\]\(([^)\s]+)\)', text):
        target = m.group(1)
        if re.match(r'[a-z]+:', target): continue
        total += 1
        path, _, frag = target.partition('#')
        dest = (f.parent / path).resolve() if path else f
        err = None
        if not dest.exists(): err = 'no such file'
        elif frag and dest.suffix == '.md' and frag not in anchors(dest): err = f'no heading #{frag}'
        if err:
            bad += 1; print(f'{f.relative_to(root)}: {target}: {err}')
print(f'{total} relative links in {len(files)} files, {bad} broken')
sys.exit(1 if bad else 0)
