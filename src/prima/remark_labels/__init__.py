"""The labels of every suggestion and complaint (issue 14, point 3), stored beside the texts.

:mod:`prima.remarks` (framework-free) decides a remark's SKM unsur, its A of A6 and its
sentiment; this app stores them (:class:`~prima.remark_labels.models.RemarkLabel`), labels new
texts in the task worker and never in the request (:func:`~prima.remark_labels.services.
label_pending`), relabels existing ones (``prima text relabel``) and keeps a manager's
corrections.
"""
