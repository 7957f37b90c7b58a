#!/bin/sh
# Source gates (SECURITY.md): no shell from the program, no SQL built with printf, no stub markers,
# no raw template output outside the documented form.
set -u
cd "$(dirname "$0")/.."
fail=0
if grep -rnE '\b(system|popen|execl|execlp|execv|execvp|execve)[[:space:]]*\(' src; then
	echo "check: shell or exec call in src/ (SEC01)"; fail=1
fi
if grep -rnE '(s?n?printf|arena_printf|buf_printf)[[:space:]]*\([^;]*"[[:space:]]*(SELECT|INSERT|UPDATE|DELETE)' src; then
	echo "check: SQL built with printf (use placeholders)"; fail=1
fi
if grep -rnE 'TODO: implement|not (yet )?implemented|NOT IMPLEMENTED' src templates; then
	echo "check: stub markers"; fail=1
fi
if grep -rnE '\batoi[[:space:]]*\(|\bsprintf[[:space:]]*\(|\bstrcpy[[:space:]]*\(|\bgets[[:space:]]*\(' src; then
	echo "check: unchecked string/number function"; fail=1
fi
if grep -rnE '\{\{\{' templates; then
	echo "check: triple-brace raw output in templates (use | raw, and only for trusted HTML)"; fail=1
fi
if [ $fail -eq 0 ]; then echo "check: source gates passed"; fi
exit $fail
