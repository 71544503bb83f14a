"""What each operation does, whatever the API version: read the arguments, run one service in one
unit of work, and return the object in its wire form. Versions only wrap the result."""
