"""Every side effect: the relational read model, search indexing, notifications, documents."""
