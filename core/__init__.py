"""Cross-cutting helpers with no models and no domain: upload cleaning and the PDF check,
CSV safety, HTTP and file helpers, value bounds, idempotency keys, cache versions, the
API plumbing and the admin's service mixin. Every app may import it; it imports no app.
"""
