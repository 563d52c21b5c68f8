"""cek-integrasi: checks village planning dossiers against the Panduan Teknis Integrasi."""

__version__ = "0.2.0"
