"""Custom integrations package (lets the test suite import the integration)."""
