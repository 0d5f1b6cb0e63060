"""The scripts and the Chinese 安装说明 inside the offline bundle (:mod:`landassess.run.bundle`).

The ``.bat`` files have CRLF line endings (cmd reads LF-only files unreliably), switch the console
to UTF-8 first (``chcp 65001``) so the Chinese they print and the Chinese paths they use are read
as written, quote every path (spaces and Chinese in user folders), never use ASCII parentheses in
messages (a ``)`` ends a block in cmd) and jump with ``goto`` instead of blocks. The install
location is checked against Windows' 260-character path limit: the deepest file of the
environment lies about 170 characters below it (JupyterLab's bundled scripts), so the location may
have at most :data:`MAX_TARGET_CHARS` characters. pip runs with ``-B --no-compile``: neither pip's
own modules nor the installed packages are compiled at install time (about 140 MB, mostly for
modules the tool never imports); Python caches the bytecode of what it imports when it first does.
"""

from __future__ import annotations

MAX_TARGET_CHARS = 80
"""260 − ~175 (``venv\\Lib\\site-packages\\jupyterlab\\galata\\…``, the deepest file, measured) − a margin."""

DEPARTMENT_FOLDER_WINDOWS = r"%USERPROFILE%\Documents\土地执法评估"
DEPARTMENT_FOLDER_POSIX = "$HOME/土地执法评估"

_INSTALL_BAT = r"""@echo off
chcp 65001 >nul
setlocal
rem landassess 离线安装：双击运行，或在命令提示符中运行 安装.bat [安装位置]，默认 C:\landassess
set "HERE=%~dp0"
set "TARGET=%~1"
if "%TARGET%"=="" set "TARGET=C:\landassess"
set "PYVER={python}"
set "WHEEL={wheel}"
set "PIP_NO_INDEX=1"
set "PIP_DISABLE_PIP_VERSION_CHECK=1"
echo 土地执法模范县评估工具 离线安装
echo 安装位置："%TARGET%"
echo.
py -%PYVER% --version >nul 2>&1
if errorlevel 1 goto nopython
py -%PYVER% -c "import sys; sys.exit(0 if len(sys.argv[1]) <= {max_chars} else 1)" "%TARGET%"
if errorlevel 1 goto toolong
echo 第 1 步，共 3 步：建立 Python 环境 "%TARGET%\venv" ……
py -%PYVER% -m venv "%TARGET%\venv"
if errorlevel 1 goto failed
echo 第 2 步，共 3 步：从安装包安装所需软件包，不需要上网，约需几分钟 ……
"%TARGET%\venv\Scripts\python.exe" -B -m pip install --quiet --no-compile --no-index --find-links "%HERE%wheels" --require-hashes -r "%HERE%requirements.lock"
if errorlevel 1 goto failed
echo 第 3 步，共 3 步：安装评估工具本身 ……
"%TARGET%\venv\Scripts\python.exe" -B -m pip install --quiet --no-compile --no-index --no-deps --force-reinstall "%HERE%wheels\%WHEEL%"
if errorlevel 1 goto failed
"%TARGET%\venv\Scripts\landassess.exe" setup-lab >nul
copy /y "%HERE%启动评估工具.bat" "%TARGET%\启动评估工具.bat" >nul
copy /y "%HERE%安装说明.txt" "%TARGET%\安装说明.txt" >nul
powershell -NoProfile -ExecutionPolicy Bypass -Command "$s = (New-Object -ComObject WScript.Shell).CreateShortcut([Environment]::GetFolderPath('Desktop') + '\土地执法评估工具.lnk'); $s.TargetPath = $env:TARGET + '\启动评估工具.bat'; $s.WorkingDirectory = $env:TARGET; $s.Save()" >nul 2>&1
echo.
echo 安装完成。以后双击桌面上的“土地执法评估工具”，或双击 "%TARGET%\启动评估工具.bat" 即可打开评估工作台。
echo 不需要再保留本安装包。
pause
exit /b 0

:nopython
echo 错误：未找到 Python %PYVER%。本安装包只适用于 64 位的 Python %PYVER%。
echo 请先安装 Python %PYVER%：https://www.python.org/downloads/windows/ ，安装时勾选“Add python.exe to PATH”，
echo 然后重新双击 安装.bat。已安装其他版本的，可在命令提示符中运行 py -0 查看。
pause
exit /b 1

:toolong
echo 错误：安装位置 "%TARGET%" 太长，超过 {max_chars} 个字符。
echo Windows 的路径一般不能超过 260 个字符，环境中最深的文件在安装位置下约 170 个字符处。
echo 请换一个短的位置，例如：安装.bat D:\landassess
pause
exit /b 2

:failed
echo.
echo 错误：安装未完成，原因见上面的提示。请把本窗口的内容截图发给信息中心或维护人员。
echo 修正后可以重新双击 安装.bat，已完成的部分会被覆盖。
pause
exit /b 1
"""

_START_BAT = r"""@echo off
chcp 65001 >nul
setlocal
rem 启动评估工作台：双击运行，或 启动评估工具.bat [省厅工作文件夹]，默认 文档\土地执法评估
set "LA=%~dp0venv\Scripts\landassess.exe"
if not exist "%LA%" set "LA=C:\landassess\venv\Scripts\landassess.exe"
if not exist "%LA%" goto notinstalled
set "ROOT=%~1"
if "%ROOT%"=="" set "ROOT={folder}"
if not exist "%ROOT%\" mkdir "%ROOT%"
echo 正在启动评估工作台，工作文件夹："%ROOT%"
echo 浏览器会自动打开。用完后关闭浏览器页面和本窗口即可。
"%LA%" app --root "%ROOT%"
if errorlevel 1 pause
exit /b 0

:notinstalled
echo 错误：未找到已安装的评估工具。请先双击安装包中的 安装.bat 完成安装，
echo 再双击安装位置，默认 C:\landassess，中的 启动评估工具.bat。
pause
exit /b 1
"""

_INSTALL_SH = """#!/bin/sh
# landassess 离线安装（Linux）：./install.sh [安装位置]，默认 ~/landassess。PYTHON 可指定 Python 程序。
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TARGET=${{1:-"$HOME/landassess"}}
PYTHON=${{PYTHON:-python{python}}}
if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "错误：未找到 $PYTHON。本安装包只适用于 Python {python}（x86_64）；请先安装它，或用 PYTHON=程序路径 指定。" >&2
  exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != ({major}, {minor}))'; then
  echo "错误：$PYTHON 不是 Python {python}；本安装包只适用于 Python {python}。" >&2
  exit 1
fi
export PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1
echo "安装位置：$TARGET"
echo "第 1 步，共 3 步：建立 Python 环境 $TARGET/venv"
"$PYTHON" -m venv "$TARGET/venv"
echo "第 2 步，共 3 步：从安装包安装所需软件包（不需要上网）"
"$TARGET/venv/bin/python" -B -m pip install --quiet --no-compile --no-index --find-links "$HERE/wheels" --require-hashes -r "$HERE/requirements.lock"
echo "第 3 步，共 3 步：安装评估工具本身"
"$TARGET/venv/bin/python" -B -m pip install --quiet --no-compile --no-index --no-deps --force-reinstall "$HERE/wheels/{wheel}"
"$TARGET/venv/bin/landassess" setup-lab >/dev/null
cp "$HERE/start.sh" "$TARGET/start.sh"
chmod +x "$TARGET/start.sh"
echo "安装完成。打开评估工作台：$TARGET/start.sh [省厅工作文件夹]；演示：$TARGET/venv/bin/landassess demo"
"""

_START_SH = """#!/bin/sh
# 启动评估工作台（Linux）：./start.sh [省厅工作文件夹]，默认 ~/土地执法评估
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
LA="$HERE/venv/bin/landassess"
[ -x "$LA" ] || LA="$HOME/landassess/venv/bin/landassess"
if [ ! -x "$LA" ]; then
  echo "错误：未找到已安装的评估工具；请先运行安装包中的 ./install.sh。" >&2
  exit 1
fi
ROOT=${{1:-"{folder}"}}
mkdir -p "$ROOT"
echo "正在启动评估工作台，工作文件夹：$ROOT（浏览器会自动打开；用完按 Ctrl+C 结束）"
exec "$LA" app --root "$ROOT"
"""

_GUIDE = """土地执法模范县评估工具（landassess）离线安装包
适用于：Windows 10/11 64 位（或 Linux x86_64），Python {python}
本安装包中已包含所需的全部软件包，安装时不需要上网。

一、安装（每台电脑只需一次）
1. 安装 Python {python}（64 位）：安装程序可从 https://www.python.org/downloads/windows/ 下载
   （电脑不能上网时请信息中心一并拷来）。安装时勾选“Add python.exe to PATH”。
   只能用 Python {python}：本安装包中的软件包是为这个版本准备的。
2. 把本压缩包复制到电脑上，右键“全部解压缩”。
3. 双击解压出的文件夹中的“安装.bat”。默认安装到 C:\\landassess，需要几分钟，窗口会显示进度。
   要装到别处（路径不超过 {max_chars} 个字符），在命令提示符中运行：安装.bat D:\\landassess
4. 看到“安装完成”后按任意键关闭窗口。安装包可以删除。

二、使用
- 双击桌面上的“土地执法评估工具”（或安装位置中的“启动评估工具.bat”）。浏览器会打开评估工作台，
  一个年度的每一步都是一个按钮。工作文件夹默认是“文档\\土地执法评估”；要用别的文件夹，在命令提示符中运行：
  C:\\landassess\\启动评估工具.bat "D:\\省厅 工作文件夹"
- 演示（虚构数据）：在命令提示符中运行 C:\\landassess\\venv\\Scripts\\landassess demo
- 用完后关闭浏览器页面和黑色的命令窗口即可。
- 生成 PDF 报告使用电脑自带的 Microsoft Edge（或 Chrome），不需要另外安装。

三、出现问题时
- “未找到 Python {python}”：按第一部分第 1 步安装 Python {python}，再双击“安装.bat”。
- “安装位置太长”：换一个短的安装位置。
- 其他错误：把窗口内容截图，连同本安装包的文件名发给信息中心或维护人员。
  详细说明见使用指南（docs/使用指南.md）第十一部分。

四、Linux
  ./install.sh [安装位置]（默认 ~/landassess），之后 ~/landassess/start.sh [省厅工作文件夹]。
"""


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def scripts(python: str, wheel: str) -> dict[str, str]:
    """File name → text of the bundle's scripts and 安装说明, for Python ``python`` and the landassess ``wheel``."""
    major, minor = python.split(".")
    values = {"python": python, "wheel": wheel, "max_chars": MAX_TARGET_CHARS, "major": major, "minor": minor}
    return {
        "安装.bat": _crlf(_INSTALL_BAT.replace("{python}", python).replace("{wheel}", wheel)
                          .replace("{max_chars}", str(MAX_TARGET_CHARS))),
        "启动评估工具.bat": _crlf(_START_BAT.replace("{folder}", DEPARTMENT_FOLDER_WINDOWS)),
        "install.sh": _INSTALL_SH.format(**values),
        "start.sh": _START_SH.format(folder=DEPARTMENT_FOLDER_POSIX),
        "安装说明.txt": "\ufeff" + _crlf(_GUIDE.format(**values)),
    }
