"""The v1 contract, framework-free and synchronous."""
