"""The notifier's pure rules: who is told of what, in which words, signed how."""
