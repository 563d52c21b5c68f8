"""The service's blueprints, one per area: sign-in, dashboard, submitting, administration, about, JSON API."""
