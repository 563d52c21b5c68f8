"""Outputs of a check: terminal/JSON/Markdown, the compliance report (HTML, XLSX), report diffs, safe writing."""
