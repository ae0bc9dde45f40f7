; Trình cài đặt CCHC Desktop (NSIS 3, Modern UI 2) — the Windows installer of CCHC Desktop.
;
;   makensis -DVERSION=0.1.0 -DPAYLOAD_DIR=<dist\cchc-desktop> -DOUTFILE=<setup.exe> installer\cchc-desktop.nsi
;
; - per-user install, no administrator rights: $LOCALAPPDATA\Programs\CCHC Desktop, HKCU only;
; - Start-menu shortcut and (optional) desktop shortcut "CCHC Desktop — Báo cáo CCHC";
; - .cchc packages (the USB hand-off) open in the app;
; - the uninstaller removes only the program's own files: the user's data folder
;   ($LOCALAPPDATA\CCHC Desktop, from platformdirs) and its data file are never touched.
; PAYLOAD_DIR is the one-folder PyInstaller build (cchc-desktop.exe, cchc-desktop-cli.exe,
; _internal\); CI compiles this script with the Linux bundle standing in for it.
; Saved as UTF-8 with a byte-order mark so makensis reads the Vietnamese texts on any system.

Unicode true
ManifestDPIAware true
RequestExecutionLevel user
!ifdef NOCOMPRESS  ; CI: only checks that the script compiles, so skip the slow compression
  SetCompress off
!else
  SetCompressor /SOLID lzma
!endif

!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "LogicLib.nsh"

!define APP_NAME "CCHC Desktop"
!define APP_TITLE "CCHC Desktop — Báo cáo CCHC"
!define APP_COMMENT "Báo cáo kết quả công tác cải cách hành chính cấp xã"
!define EXE "cchc-desktop.exe"
!define CLI_EXE "cchc-desktop-cli.exe"
!define PROGID "CCHCDesktop.Package"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\CCHCDesktop"
!define DATA_DIR "$LOCALAPPDATA\${APP_NAME}"

!ifndef VERSION
  !define VERSION "0.1.0"
!endif
!ifndef VERSION4
  !define VERSION4 "${VERSION}.0"
!endif
!ifndef PAYLOAD_DIR
  !define PAYLOAD_DIR "..\build\windows\dist\cchc-desktop"
!endif
!ifndef OUTFILE
  !define OUTFILE "..\build\windows\cchc-desktop-${VERSION}-cai-dat.exe"
!endif
; What double-clicking a .cchc file runs after the program's path: the window on the user's data
; file, with the import preview of that package open (ui.shell.app.run(open_package=…)); on a new, empty
; data file the package sets it up as the upper level (huyện/tỉnh).
!ifndef OPEN_PACKAGE_ARGS
  !define OPEN_PACKAGE_ARGS 'gui --open-package "%1"'
!endif
!ifndef ICON
  !define ICON "..\resources\icons\app.ico"
!endif

Name "${APP_NAME}"
Caption "Cài đặt ${APP_TITLE} ${VERSION}"
UninstallCaption "Gỡ bỏ ${APP_TITLE}"
BrandingText "${APP_TITLE} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP_NAME}"
InstallDirRegKey HKCU "${UNINST_KEY}" "InstallLocation"
ShowInstDetails show
ShowUninstDetails show

; --- pages ----------------------------------------------------------------------------------
!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_ABORTWARNING_TEXT "Bạn có chắc muốn dừng cài đặt ${APP_NAME}?"
!define MUI_WELCOMEPAGE_TITLE "Cài đặt ${APP_TITLE}"
!define MUI_WELCOMEPAGE_TEXT "Chương trình giúp Ủy ban nhân dân xã, phường, thị trấn lập báo cáo kết quả công tác cải cách hành chính, xuất ra Word và Excel, không cần Internet.$\r$\n$\r$\nChương trình được cài cho riêng tài khoản Windows này, không cần quyền quản trị.$\r$\n$\r$\nBấm Tiếp để tiếp tục."
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "Mở ${APP_TITLE} ngay"
!define MUI_UNCONFIRMPAGE_TEXT_TOP "Chương trình ${APP_NAME} sẽ được gỡ khỏi máy. Tệp dữ liệu báo cáo của bạn (trong thư mục ${DATA_DIR}) vẫn được giữ nguyên."

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "Vietnamese"

VIProductVersion "${VERSION4}"
VIFileVersion "${VERSION4}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "ProductName" "${APP_TITLE}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "CompanyName" "${APP_NAME}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "FileDescription" "Cài đặt ${APP_TITLE}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "LegalCopyright" "Phần mềm tự do, giấy phép MIT"

; --- the program must be closed before its files are replaced or removed ---------------------
; A running .exe cannot be opened for writing on Windows: that is the test.
!macro CHECK_NOT_RUNNING
  ${If} ${FileExists} "$INSTDIR\${EXE}"
    ${Do}
      ClearErrors
      FileOpen $0 "$INSTDIR\${EXE}" a
      ${IfNot} ${Errors}
        FileClose $0
        ${Break}
      ${EndIf}
      MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "${APP_NAME} đang mở. Hãy đóng cửa sổ chương trình rồi bấm Thử lại." /SD IDCANCEL IDRETRY +2
      Abort
    ${Loop}
  ${EndIf}
!macroend

Function .onVerifyInstDir
  ; never install into the data folder: the uninstaller must be able to leave it alone
  ${If} $INSTDIR == "${DATA_DIR}"
    Abort
  ${EndIf}
FunctionEnd

; --- install ----------------------------------------------------------------------------------
Section "!${APP_NAME} (bắt buộc)" SecMain
  SectionIn RO
  SetShellVarContext current
  !insertmacro CHECK_NOT_RUNNING
  SetOutPath "$INSTDIR"
  ; files of an older version go first, so nothing stale is left beside the new ones
  RMDir /r "$INSTDIR\_internal"
  File /r "${PAYLOAD_DIR}\*"
  WriteUninstaller "$INSTDIR\go-cai-dat.exe"

  CreateShortcut "$SMPROGRAMS\${APP_TITLE}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0 \
    SW_SHOWNORMAL "" "${APP_COMMENT}"

  ; Settings → Apps (per user)
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${APP_TITLE}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${EXE},0"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${APP_NAME}"
  WriteRegStr HKCU "${UNINST_KEY}" "Comments" "${APP_COMMENT}"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\go-cai-dat.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\go-cai-dat.exe" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" "$0"

  ; .cchc: the USB hand-off package opens in the app
  WriteRegStr HKCU "Software\Classes\.cchc" "" "${PROGID}"
  WriteRegStr HKCU "Software\Classes\.cchc" "Content Type" "application/x-cchc-package"
  WriteRegStr HKCU "Software\Classes\${PROGID}" "" "Gói báo cáo CCHC"
  WriteRegStr HKCU "Software\Classes\${PROGID}\DefaultIcon" "" "$INSTDIR\${EXE},0"
  WriteRegStr HKCU "Software\Classes\${PROGID}\shell\open" "" "Mở bằng ${APP_NAME}"
  WriteRegStr HKCU "Software\Classes\${PROGID}\shell\open\command" "" '"$INSTDIR\${EXE}" ${OPEN_PACKAGE_ARGS}'
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
SectionEnd

Section "Lối tắt trên màn hình nền" SecDesktop
  SetShellVarContext current
  CreateShortcut "$DESKTOP\${APP_TITLE}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0 \
    SW_SHOWNORMAL "" "${APP_COMMENT}"
SectionEnd

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecMain} "Chương trình ${APP_NAME}, lối tắt trong menu Start và liên kết tệp gói báo cáo .cchc."
  !insertmacro MUI_DESCRIPTION_TEXT ${SecDesktop} "Thêm biểu tượng ${APP_TITLE} trên màn hình nền."
!insertmacro MUI_FUNCTION_DESCRIPTION_END

; --- uninstall: the program's own files only; the data folder stays --------------------------
Section "Uninstall"
  SetShellVarContext current
  !insertmacro CHECK_NOT_RUNNING
  Delete "$SMPROGRAMS\${APP_TITLE}.lnk"
  Delete "$DESKTOP\${APP_TITLE}.lnk"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${EXE}"
  Delete "$INSTDIR\${CLI_EXE}"
  Delete "$INSTDIR\go-cai-dat.exe"
  RMDir "$INSTDIR"  ; only if empty: whatever the user put there stays

  ReadRegStr $0 HKCU "Software\Classes\.cchc" ""
  ${If} $0 == "${PROGID}"
    DeleteRegKey HKCU "Software\Classes\.cchc"
  ${EndIf}
  DeleteRegKey HKCU "Software\Classes\${PROGID}"
  DeleteRegKey HKCU "${UNINST_KEY}"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
  DetailPrint "Dữ liệu báo cáo vẫn được giữ trong ${DATA_DIR}."
SectionEnd
