"""The local stack's OpenID Connect provider and the sign-in the demo uses."""
