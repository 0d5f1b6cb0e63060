"""The rules of the notice, one module per clause: pure functions over DataFrames.

vetoes 七(一) · recommendation 六(二) · scoring 四, 六(三) · bonus 七(二) · ranking 六(三), SPEC 3.4 ·
verification (committee decisions, the on-site check draw, outcomes) 六(三), SPEC 3.5.
Rule modules never read files: they take parsed tables and the parameter group they need.
"""
