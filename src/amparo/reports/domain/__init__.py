"""Presentation of statistics: numbers, SVG charts and maps, and report files."""
