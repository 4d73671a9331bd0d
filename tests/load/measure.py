#!/usr/bin/env python3
"""Runs a command and prints its wall time (s) and peak RSS (KiB) on one line: `WALL RSS`.

Usage: measure.py CMD [ARG...]. The peak is the largest resident set of the command and of any
child it waited for (wait4's rusage). The command's own output goes to this script's stderr;
a failing command fails the script with its exit status.
"""
import os
import subprocess
import sys
import time

started = time.monotonic()
child = subprocess.Popen(sys.argv[1:], stdout=sys.stderr)
_, status, usage = os.wait4(child.pid, 0)
wall = time.monotonic() - started
code = os.waitstatus_to_exitcode(status)
if code != 0:
    print(f"{sys.argv[1]} exited with {code}", file=sys.stderr)
    sys.exit(code if code > 0 else 1)
print(f"{wall:.2f} {usage.ru_maxrss}")
