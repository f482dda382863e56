#!/usr/bin/env python3
"""Usage: method-end.py <git-dir> <path> <start-line>
Prints the line of the brace that closes the first block opened at or after start-line (a rough counter that skips
// comments, strings and char literals), or the first line ending in ';' for an expression-bodied member."""
import subprocess, sys
d, path, start = sys.argv[1], sys.argv[2], int(sys.argv[3])
lines = subprocess.run(["git", "--git-dir", d, "show", f"HEAD:{path}"], capture_output=True, check=True).stdout.decode("utf-8", "replace").split("\n")
depth, opened = 0, False
for n in range(start - 1, len(lines)):
    s = lines[n]; i = 0; instr = None
    while i < len(s):
        c = s[i]
        if instr:
            if c == "\\": i += 2; continue
            if c == instr: instr = None
        elif c in "\"'": instr = c
        elif s.startswith("//", i): break
        elif c == "{": depth += 1; opened = True
        elif c == "}":
            depth -= 1
            if opened and depth == 0: print(n + 1); sys.exit(0)
        i += 1
    if not opened and "=>" in s and s.rstrip().endswith(";"): print(n + 1); sys.exit(0)
    if not opened and n > start + 3 and "=>" in "".join(lines[start-1:n+1]) and s.rstrip().endswith(";"): print(n + 1); sys.exit(0)
sys.exit(1)
