"""The OpenAPI documents, shipped in the wheel as ``hirebridge.openapi``."""
