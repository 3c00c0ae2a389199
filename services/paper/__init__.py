"""Paper: the PDFs a coordinator prints (protocol templates and drafts, results protocol drafts,
activation slips), rendered with Typst from the documents' data (``schemas.paper``)."""
