"""The one-model app of the minimal site."""
