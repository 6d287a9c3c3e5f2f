"""The browser views: a view model read from the store, network analysis, page models, HTML pages, and the Chromium check."""
