"""Prima's design system: tokens, components and the component page (``docs/design.md``)."""
