# Builds CCHC Desktop for Windows: the one-folder app and its installer.
#
#   powershell -ExecutionPolicy Bypass -File installer\build-windows.ps1
#
# Needs Python 3.11+ (py launcher or python on PATH) and NSIS 3 (makensis on PATH, or in
# "C:\Program Files (x86)\NSIS"). Produces
#   build\windows\dist\cchc-desktop\            the app (cchc-desktop.exe, cchc-desktop-cli.exe, _internal\)
#   build\windows\cchc-desktop-<version>-cai-dat.exe   the installer
#   build\windows\cchc-desktop-<version>-cai-dat.exe.sha256   its SHA-256 (sha256sum format)
# Every package comes from installer\constraints-windows.txt (the tested versions; numpy < 2.4).
# The .github/workflows/windows-build.yml workflow runs exactly this on a windows-latest runner.
$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest
# the program prints UTF-8 (cli.utf8_output, and the frozen exe runs in UTF-8 mode): read it so
[Console]::OutputEncoding = [System.Text.Encoding]::UTF8
$OutputEncoding = [System.Text.Encoding]::UTF8

$Root = Split-Path -Parent $PSScriptRoot
$Out = Join-Path $Root "build\windows"
$Venv = Join-Path $Root ".venv-build"
Set-Location $Root

function Invoke-Checked([string]$Exe, [string[]]$Arguments) {
    & $Exe @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Exe $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

# 1. a separate build venv: the app, its dependencies and PyInstaller (pyproject's `build` extra)
# $env:PYTHON, else python on PATH (actions/setup-python puts 3.11 there), else the py launcher
if ($env:PYTHON) { $Python = $env:PYTHON; $PyArgs = @() }
elseif (Get-Command python -ErrorAction SilentlyContinue) { $Python = "python"; $PyArgs = @() }
else { $Python = "py"; $PyArgs = @("-3.11") }
if (-not (Test-Path (Join-Path $Venv "Scripts\python.exe"))) {
    Write-Host "Creating $Venv"
    Invoke-Checked $Python ($PyArgs + @("-m", "venv", $Venv))
}
$VPy = Join-Path $Venv "Scripts\python.exe"
Invoke-Checked $VPy @("-m", "pip", "install", "--disable-pip-version-check", "-q", "--upgrade", "pip")
$Constraints = Join-Path $Root "installer\constraints-windows.txt"
Invoke-Checked $VPy @("-m", "pip", "install", "--disable-pip-version-check", "-q", "-c", $Constraints, "${Root}[build]")

$Version = (& $VPy -c "import cchc_desktop; print(cchc_desktop.__version__)").Trim()
$Version4 = (& $VPy (Join-Path $Root "installer\version_info.py") --four $Version).Trim()
Write-Host "CCHC Desktop $Version ($Version4)"

# 2. the one-folder app (installer\cchc-desktop.spec; windowed exe + console twin)
$env:CCHC_BUILD_DIR = $Out
Invoke-Checked $VPy @("-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
    "--distpath", (Join-Path $Out "dist"), "--workpath", (Join-Path $Out "work"),
    (Join-Path $Root "installer\cchc-desktop.spec"))
$App = Join-Path $Out "dist\cchc-desktop"

# 3. a quick check of the frozen app before packing it (the console twin prints)
$Check = Join-Path $Out "check"
if (Test-Path $Check) { Remove-Item -Recurse -Force $Check }
New-Item -ItemType Directory -Path $Check | Out-Null
$Cli = Join-Path $App "cchc-desktop-cli.exe"
Invoke-Checked $Cli @("demo", "--db", (Join-Path $Check "demo.sqlite"))
& $Cli validate --db (Join-Path $Check "demo.sqlite") --period 2023-NAM
if ($LASTEXITCODE -gt 1) { throw "validate failed ($LASTEXITCODE)" }
Invoke-Checked $Cli @("export", "--db", (Join-Path $Check "demo.sqlite"), "--period", "2023-NAM",
    "--docx", (Join-Path $Check "bao-cao.docx"))
$env:QT_QPA_PLATFORM = "offscreen"
Invoke-Checked $Cli @("gui", "--db", (Join-Path $Check "demo.sqlite"), "--screenshot", (Join-Path $Check "shots"))
Remove-Item Env:\QT_QPA_PLATFORM
$Size = "{0:N0} MB" -f ((Get-ChildItem -Recurse $App | Measure-Object -Sum Length).Sum / 1MB)
Write-Host "Bundle: $App ($Size)"

# 4. the installer
$MakeNsis = Get-Command makensis -ErrorAction SilentlyContinue
$MakeNsisPath = if ($MakeNsis) { $MakeNsis.Source } else { "${env:ProgramFiles(x86)}\NSIS\makensis.exe" }
if (-not (Test-Path $MakeNsisPath)) { throw "makensis not found: install NSIS 3 (https://nsis.sourceforge.io) or choco install nsis" }
$Setup = Join-Path $Out "cchc-desktop-$Version-cai-dat.exe"
Invoke-Checked $MakeNsisPath @("/V2", "/WX", "/INPUTCHARSET", "UTF8", "/DVERSION=$Version", "/DVERSION4=$Version4",
    "/DPAYLOAD_DIR=$App", "/DOUTFILE=$Setup", (Join-Path $Root "installer\cchc-desktop.nsi"))
$Hash = (Get-FileHash -Algorithm SHA256 $Setup).Hash.ToLower()
# sha256sum's format, so `sha256sum -c` (or Get-FileHash) checks the copy on a USB stick
[System.IO.File]::WriteAllText("$Setup.sha256", "$Hash  $(Split-Path -Leaf $Setup)`n")
Write-Host "Installer: $Setup"
Write-Host "SHA-256: $Hash"
