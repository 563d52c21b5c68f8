"""Screening a kabupaten roster for integration."""
