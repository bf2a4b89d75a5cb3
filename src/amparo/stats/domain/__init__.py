"""Statistics logic that needs no Django: intervals, disclosure control and result tables."""
