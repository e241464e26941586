"""Registry domain: the jurisdiction tree (行政区划) and the grids (网格). Pure: no I/O."""
