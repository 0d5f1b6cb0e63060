"""landassess: reproducible, auditable assessment of the Jiangsu land-law-enforcement model county award.

The rules come from 《江苏省土地执法模范县（市、区）创建活动方案》 (江苏省自然资源厅, 2022-01-14).
One module per stage of the process: ``intake`` reads a year's tables, ``vetoes``, ``bonus``,
``recommendation``, ``scoring``, ``ranking`` and ``verification`` apply the rules, ``assessment``
puts them together, ``runner`` and ``cli`` execute the notebooks.
"""

__version__ = "0.1.0"
