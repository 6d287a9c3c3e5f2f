"""Reading a project from disk: source texts, facts with their evidence blocks, curated files, datasets mapped with morph-kgc; names and slugs."""
