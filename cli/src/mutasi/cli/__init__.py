"""The mutasi command: local stack and demo."""
