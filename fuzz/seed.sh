#!/usr/bin/env bash
# Builds the seed corpora of the fuzz targets in fuzz/corpus/<target>/ from
# the real inputs: ../shared/seeds, ../shared/corpus, the bundled site, the
# docs' checklists and the checklist cases in tests/cases. The corpora are
# generated, not committed (thousands of files); run this before fuzzing.
# Usage: fuzz/seed.sh [SHARED_DIR]   (default: ../shared beside the repo)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
shared="${1:-$(dirname "$repo")/shared}"
exec python3 - "$repo" "$shared" "$here/corpus" <<'PY'
import hashlib, json, os, re, sys
repo, shared, out = sys.argv[1:4]

def save(target, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)

def markdown_files(*dirs):
    for top in dirs:
        if not os.path.isdir(top):
            print(f"seed.sh: no {top}, skipped", file=sys.stderr)
            continue
        for root, _, files in sorted(os.walk(top)):
            for name in sorted(files):
                if name.lower().endswith((".md", ".txt")):
                    yield os.path.join(root, name)

def chunks(text, limit):
    """Paragraph-aligned pieces of at most `limit` bytes (whole paragraphs
    longer than that are cut), so large articles still seed small inputs."""
    piece = ""
    for para in re.split(r"(?<=\n\n)", text):
        if len((piece + para).encode()) > limit and piece:
            yield piece
            piece = ""
        piece += para
    if piece:
        yield piece.encode()[:limit].decode(errors="ignore")

articles = list(markdown_files(os.path.join(shared, "seeds"), os.path.join(shared, "corpus"),
                               os.path.join(repo, "content"), os.path.join(repo, "docs"),
                               os.path.join(repo, "examples")))
checklists = []
for path in articles:
    text = open(path, encoding="utf-8", errors="replace").read()
    # front_matter: the head of each article (front matter and a little body).
    save("front_matter", text[:4096])
    # segments and markdown: whole small articles, and paragraph chunks.
    for c in chunks(text, 8192):
        save("segments", c)
        save("markdown", c)
    if len(text.encode()) <= 65536:
        save("markdown", text)
    for m in re.finditer(r"```checklist\n(.*?)\n```", text, re.S):
        checklists.append(m.group(1))
        save("checklist", m.group(1))
# The expression parser gets the expressions of those checklists on their own.
for cl in checklists:
    for m in re.finditer(r"^\s*(?:-\s*)?(?:expr|when|if|valid|min|max)\s*:\s*(.+)$", cl, re.M):
        save("checklist", m.group(1))

# eval: the answers of tests/cases/seed_checklists.json, in the target's
# layout: checklist byte (one per article, in EVAL_ARTICLES order), form byte (even: JSON),
# two bytes of date, the answers.
order = ["request-credit.md", "partner-earned-credit-troubleshoot.md",
         "troubleshoot-account-setup.md", "lighthouse-partner-earned-credit.md",
         "incentives-customer-association-issues.md"]
cases = json.load(open(os.path.join(repo, "tests/cases/seed_checklists.json")))
for i, case in enumerate(cases):
    name = os.path.basename(case["article"])
    if name not in order:
        continue
    mode = 0 if case.get("lang", "nl-nl") != "en" else 2
    head = bytes([order.index(name), mode, i % 256, 4])
    save("eval", head + json.dumps(case.get("answers", {})).encode())
    save("eval", bytes([order.index(name), mode | 1, i % 256, 4]) + bytes(range(i % 7, 64)))

urls = ["/", "/index.html", "/nl-nl/", "/nl-nl", "/nl-nl/a%20b/", "/nl-nl/a b/index.html",
        "/nl-nl/style.css?v=1#top", "/leak.txt", "/nl-nl/leak/secret.txt", "/nl-nl/leak/",
        "/empty", "/empty/", "/empty/inside.css", "/.tolk-site", "/%2e%2e/outside/secret.txt",
        "/nl-nl/..%2f..%2foutside/secret.txt", "//etc/passwd", "/C:/x", "/nl-nl/%ZZ", "/%00",
        "/nl-nl/%E2%82%AC/", "/nl-nl/?x", "/empty?x=1"]
for u in urls:
    save("serve_path", u)

for t in sorted(os.listdir(out)):
    print(f"{t}: {len(os.listdir(os.path.join(out, t)))} seeds")
PY
