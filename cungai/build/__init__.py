"""The build: a project read, checked and reasoned in Oxigraph, then every output written atomically into build/."""
