"""The local web page (`cek-integrasi serve`)."""
