"""Publication logic that needs no Django: k-anonymous microdata, differentially private tables and synthetic data."""
