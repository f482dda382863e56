#!/usr/bin/env python3
"""Checks a label file against the fetched snapshots and its repository list.

Usage: check-labels.py labels/games.tsv repos-games.tsv [mirror-root=/work/.mirror]

For every row: 9 tab-separated fields; verdict and rule from the shared vocabulary and consistent with each other
(naive-softmax/SMX0001, naive-logsumexp and naive-softplus/SMX0002, log-of-softmax/SMX0003, tensor-softmax/SMX0004,
naive-logistic/SMX0006, stable/bounded/lookalike/none); when the snapshot is present, the commit is its HEAD, the path
exists there and start <= end <= the file's line count; the repository is listed in the repository file with the same
commit. Prints one line per problem and a summary; exit code 1 when anything is wrong."""
import os, subprocess, sys
from collections import Counter

RULE = {"naive-softmax": "SMX0001", "naive-logsumexp": "SMX0002", "naive-softplus": "SMX0002",
        "log-of-softmax": "SMX0003", "tensor-softmax": "SMX0004", "naive-logistic": "SMX0006",
        "stable": "none", "bounded": "none", "lookalike": "none"}
KINDS = {"dotnet-sdk", "dotnet-legacy", "unity", "loose"}

def git_dir(root, repo):
    d = os.path.join(root, repo.replace("/", "+"), "repo")
    return os.path.join(d, ".git") if os.path.isdir(os.path.join(d, ".git")) else d

def main():
    labels, repos = sys.argv[1], sys.argv[2]
    root = sys.argv[3] if len(sys.argv) > 3 else "/work/.mirror"
    bad = 0
    listed = {}
    with open(repos, encoding="utf-8") as f:
        head = f.readline().rstrip("\n").split("\t")
        if head != ["repo", "commit", "kind", "note"]:
            print(f"{repos}: bad header {head}"); bad += 1
        for n, line in enumerate(f, 2):
            p = line.rstrip("\n").split("\t")
            if len(p) != 4 or p[2] not in KINDS:
                print(f"{repos}:{n}: bad row {p}"); bad += 1; continue
            if p[0] in listed:
                print(f"{repos}:{n}: duplicate {p[0]}"); bad += 1
            listed[p[0]] = p[1]
    verdicts, used, heads, lines = Counter(), set(), {}, {}
    with open(labels, encoding="utf-8") as f:
        head = f.readline().rstrip("\n").split("\t")
        if head != ["repo", "commit", "path", "start", "end", "member", "verdict", "rule", "note"]:
            print(f"{labels}: bad header {head}"); bad += 1
        for n, line in enumerate(f, 2):
            p = line.rstrip("\n").split("\t")
            if len(p) != 9:
                print(f"{labels}:{n}: {len(p)} fields"); bad += 1; continue
            repo, commit, path, start, end, member, verdict, rule, note = p
            if RULE.get(verdict) != rule:
                print(f"{labels}:{n}: verdict {verdict} with rule {rule}"); bad += 1
            if listed.get(repo) != commit:
                print(f"{labels}:{n}: {repo} {commit[:10]} not in {repos} with that commit"); bad += 1
            if not (start.isdigit() and end.isdigit() and 1 <= int(start) <= int(end)):
                print(f"{labels}:{n}: bad range {start}-{end}"); bad += 1; continue
            if not note or not member:
                print(f"{labels}:{n}: empty member or note"); bad += 1
            verdicts[verdict] += 1; used.add(repo)
            d = git_dir(root, repo)
            if not os.path.isdir(d):
                continue
            if repo not in heads:
                heads[repo] = subprocess.run(["git", "--git-dir", d, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
            if heads[repo] != commit:
                print(f"{labels}:{n}: commit {commit[:10]} is not HEAD {heads[repo][:10]}"); bad += 1
            key = (repo, path)
            if key not in lines:
                r = subprocess.run(["git", "--git-dir", d, "show", f"HEAD:{path}"], capture_output=True)
                lines[key] = r.stdout.decode("utf-8", "replace").count("\n") + 1 if r.returncode == 0 else -1
            if lines[key] < 0:
                print(f"{labels}:{n}: {path} not in {repo}"); bad += 1
            elif int(end) > lines[key]:
                print(f"{labels}:{n}: end {end} past {lines[key]} lines"); bad += 1
    for repo in sorted(set(listed) - used):
        print(f"{repos}: {repo} has no label"); bad += 1
    unstable = sum(c for v, c in verdicts.items() if RULE[v] != "none")
    total = sum(verdicts.values())
    print(f"{total} rows, {len(used)} repositories, {unstable} unstable / {total - unstable} stable, bounded or look-alike: "
          + ", ".join(f"{v} {c}" for v, c in sorted(verdicts.items())))
    print("OK" if bad == 0 else f"{bad} problem(s)")
    return 1 if bad else 0

if __name__ == "__main__":
    sys.exit(main())
