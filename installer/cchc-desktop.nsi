; Trình cài đặt CCHC Desktop (NSIS 3, Modern UI 2) — the Windows installer of CCHC Desktop.
;
;   makensis -DVERSION=0.2.0rc1 -DVERSION4=0.2.0.0 -DPAYLOAD_DIR=<dist\cchc-desktop> -DOUTFILE=<setup.exe> installer\cchc-desktop.nsi
;   (VERSION4, the X.X.X.X of the version resource: python installer/version_info.py --four 0.2.0rc1)
;
; - refuses 32-bit Windows and Windows older than 10 1809 (the x64 Python/Qt 6 bundle cannot start);
; - per-user install by default, no administrator rights: $LOCALAPPDATA\Programs\CCHC Desktop, HKCU;
;   or, for IT staff, for all users (page "Cài cho ai?", or /ALLUSERS): Program Files, HKLM, asking
;   Windows for administrator rights; a warning when run elevated as another account than the one
;   logged on (a per-user install would land in that other account's profile);
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
!include "nsDialogs.nsh"
!include "WinVer.nsh"
!include "x64.nsh"

!define APP_NAME "CCHC Desktop"
!define APP_TITLE "CCHC Desktop — Báo cáo CCHC"
!define APP_COMMENT "Báo cáo kết quả công tác cải cách hành chính cấp xã"
!define EXE "cchc-desktop.exe"
!define CLI_EXE "cchc-desktop-cli.exe"
!define PROGID "CCHCDesktop.Package"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\CCHCDesktop"
; Windows 10 1809: the oldest Windows the bundled Qt 6 supports
!define MIN_WINDOWS_BUILD 17763

!ifndef VERSION
  !define VERSION "0.1.0"
  !define VERSION4 "0.1.0.0"
!endif
!ifndef VERSION4  ; VIProductVersion takes X.X.X.X only: '0.2.0rc1.0' would stop makensis
  !error "VERSION4 (X.X.X.X) is missing: python installer/version_info.py --four ${VERSION}"
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
InstallDir "$LOCALAPPDATA\Programs\${APP_NAME}"  ; the per-user default; .onInit decides
ShowInstDetails show
ShowUninstDetails show

; --- pages ----------------------------------------------------------------------------------
!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_ABORTWARNING_TEXT "Bạn có chắc muốn dừng cài đặt ${APP_NAME}?"
!define MUI_WELCOMEPAGE_TITLE "Cài đặt ${APP_TITLE}"
!define MUI_WELCOMEPAGE_TEXT "Chương trình giúp Ủy ban nhân dân xã, phường, thị trấn lập báo cáo kết quả công tác cải cách hành chính, xuất ra Word và Excel, không cần Internet.$\r$\n$\r$\nThông thường chương trình được cài cho riêng tài khoản Windows này, không cần quyền quản trị; cán bộ tin học có thể chọn cài cho mọi người dùng trên máy.$\r$\n$\r$\nBấm Tiếp để tiếp tục."
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "Mở ${APP_TITLE} ngay"
!define MUI_UNCONFIRMPAGE_TEXT_TOP "Chương trình ${APP_NAME} sẽ được gỡ khỏi máy. Tệp dữ liệu báo cáo của bạn (trong thư mục $DataDir) vẫn được giữ nguyên."

Var AllUsers     ; 1: for every user of the PC (Program Files, HKLM); 0: this account only (HKCU)
Var Elevated     ; "Admin" only when this process runs with administrator rights
Var SessionUser  ; the account logged on to this desktop
Var ProcessUser  ; the account the installer runs as ("Run as administrator" may switch it)
Var DataDir      ; the user's data folder (platformdirs: %LOCALAPPDATA%\CCHC Desktop), never touched
Var RadioAll

!insertmacro MUI_PAGE_WELCOME
Page custom ModePage ModePageLeave
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

; SetShellVarContext and the registry view of the chosen mode: $SMPROGRAMS, $DESKTOP and SHCTX
; are the current user's or all users'.
!macro USE_MODE
  ${If} $AllUsers == 1
    SetShellVarContext all
    SetRegView 64
  ${Else}
    SetShellVarContext current
  ${EndIf}
!macroend

; $Elevated, $SessionUser, $ProcessUser, $DataDir (in the current user's context)
!macro WHO
  UserInfo::GetAccountType
  Pop $Elevated
  StrCpy $SessionUser ""
  ; WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, WTS_CURRENT_SESSION, WTSUserName = 5)
  System::Call 'wtsapi32::WTSQuerySessionInformationW(p 0, i -1, i 5, *p .r1, *i .r2) i .r0'
  ${If} $0 <> 0
    System::Call '*$1(&w256 .r3)'
    StrCpy $SessionUser $3
    System::Call 'wtsapi32::WTSFreeMemory(p r1)'
  ${EndIf}
  System::Call 'advapi32::GetUserNameW(w .r3, *i ${NSIS_MAX_STRLEN} r4) i .r0'
  StrCpy $ProcessUser $3
  SetShellVarContext current
  StrCpy $DataDir "$LOCALAPPDATA\${APP_NAME}"
!macroend

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_OK|MB_ICONSTOP "${APP_NAME} chỉ chạy trên Windows 64-bit. Máy này dùng Windows 32-bit nên không cài được: hãy cài trên máy khác, hoặc nhờ cán bộ tin học cài Windows 10/11 64-bit." /SD IDOK
    Abort
  ${EndIf}
  ${IfNot} ${AtLeastWin10}
  ${OrIfNot} ${AtLeastBuild} ${MIN_WINDOWS_BUILD}
    MessageBox MB_OK|MB_ICONSTOP "${APP_NAME} cần Windows 10 (bản 1809 trở lên) hoặc Windows 11. Máy này dùng phiên bản Windows cũ hơn nên chương trình không chạy được: hãy nhờ cán bộ tin học cập nhật Windows." /SD IDOK
    Abort
  ${EndIf}
  !insertmacro WHO
  ${GetParameters} $R0
  StrCpy $AllUsers 0
  ClearErrors
  ${GetOptions} $R0 "/ALLUSERS" $R1
  ${IfNot} ${Errors}
    StrCpy $AllUsers 1
  ${EndIf}
  ${If} $Elevated == "Admin"
  ${AndIf} $AllUsers == 0
  ${AndIf} $SessionUser != ""
  ${AndIf} $SessionUser != $ProcessUser
    MessageBox MB_YESNO|MB_ICONEXCLAMATION "Trình cài đặt đang chạy bằng tài khoản “$ProcessUser”, không phải tài khoản đang đăng nhập “$SessionUser”. Nếu cài cho riêng một tài khoản, chương trình sẽ nằm trong tài khoản “$ProcessUser” và “$SessionUser” sẽ không thấy nó.$\r$\n$\r$\nBấm Có để cài cho mọi người dùng trên máy (nên chọn), Không để vẫn cài cho riêng “$ProcessUser”." /SD IDNO IDNO +2
    StrCpy $AllUsers 1
  ${EndIf}
  ${If} $AllUsers == 1
  ${AndIf} $Elevated != "Admin"
    Call Elevate
  ${EndIf}
  ClearErrors
  ${GetOptions} $R0 "/D=" $R1
  ${If} ${Errors}  ; no /D=: the folder of the mode (or of the earlier install)
    Call DefaultDir
  ${EndIf}
FunctionEnd

; All users needs administrator rights: start this installer again through UAC, and stop this one.
Function Elevate
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/ALLUSERS" $R1
  ${If} ${Errors}
    StrCpy $R0 "/ALLUSERS $R0"
  ${EndIf}
  ClearErrors
  ExecShell "runas" "$EXEPATH" "$R0"
  ${If} ${Errors}  ; UAC refused: stay with this account only
    MessageBox MB_OK|MB_ICONEXCLAMATION "Không có quyền quản trị nên không cài được cho mọi người dùng. Chương trình sẽ được cài cho riêng tài khoản này." /SD IDOK
    StrCpy $AllUsers 0
    Return
  ${EndIf}
  Quit
FunctionEnd

Function DefaultDir
  !insertmacro USE_MODE
  ReadRegStr $0 SHCTX "${UNINST_KEY}" "InstallLocation"
  ${If} $0 != ""
    StrCpy $INSTDIR $0
  ${ElseIf} $AllUsers == 1
    StrCpy $INSTDIR "$PROGRAMFILES64\${APP_NAME}"
  ${Else}
    StrCpy $INSTDIR "$LOCALAPPDATA\Programs\${APP_NAME}"
  ${EndIf}
FunctionEnd

Function ModePage
  !insertmacro MUI_HEADER_TEXT "Cài cho ai?" "Cài cho riêng tài khoản này, hoặc cho mọi người dùng trên máy."
  nsDialogs::Create 1018
  Pop $0
  ${NSD_CreateRadioButton} 0 0 100% 24u "Chỉ cho tài khoản “$ProcessUser” (không cần quyền quản trị; nên chọn)"
  Pop $1
  ${NSD_CreateRadioButton} 0 30u 100% 24u "Cho mọi người dùng trên máy này (cần quyền quản trị; cài vào Program Files)"
  Pop $RadioAll
  ${NSD_CreateLabel} 0 66u 100% 40u "Dữ liệu báo cáo luôn nằm riêng trong tài khoản của từng người dùng ($DataDir), kể cả khi cài cho mọi người."
  Pop $0
  ${If} $AllUsers == 1
    ${NSD_Check} $RadioAll
  ${Else}
    ${NSD_Check} $1
  ${EndIf}
  nsDialogs::Show
FunctionEnd

Function ModePageLeave
  ${NSD_GetState} $RadioAll $0
  ${If} $0 == ${BST_CHECKED}
    StrCpy $AllUsers 1
    ${If} $Elevated != "Admin"
      Call Elevate
      ${If} $AllUsers == 0
        Abort  ; stay on this page, "this account" is the choice left
      ${EndIf}
    ${EndIf}
  ${Else}
    StrCpy $AllUsers 0
  ${EndIf}
  Call DefaultDir
FunctionEnd

Function .onVerifyInstDir
  ; never install into the data folder: the uninstaller must be able to leave it alone
  ${If} $INSTDIR == $DataDir
    Abort
  ${EndIf}
FunctionEnd

; --- install ----------------------------------------------------------------------------------
Section "!${APP_NAME} (bắt buộc)" SecMain
  SectionIn RO
  !insertmacro USE_MODE
  !insertmacro CHECK_NOT_RUNNING
  SetOutPath "$INSTDIR"
  ; files of an older version go first, so nothing stale is left beside the new ones
  RMDir /r "$INSTDIR\_internal"
  File /r "${PAYLOAD_DIR}\*"
  WriteUninstaller "$INSTDIR\go-cai-dat.exe"

  CreateShortcut "$SMPROGRAMS\${APP_TITLE}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0 \
    SW_SHOWNORMAL "" "${APP_COMMENT}"

  ; Settings → Apps (this user's or the PC's); the uninstaller of an all-users install asks for rights
  ${If} $AllUsers == 1
    StrCpy $0 " /ALLUSERS"
  ${Else}
    StrCpy $0 ""
  ${EndIf}
  WriteRegStr SHCTX "${UNINST_KEY}" "DisplayName" "${APP_TITLE}"
  WriteRegStr SHCTX "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr SHCTX "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${EXE},0"
  WriteRegStr SHCTX "${UNINST_KEY}" "Publisher" "${APP_NAME}"
  WriteRegStr SHCTX "${UNINST_KEY}" "Comments" "${APP_COMMENT}"
  WriteRegStr SHCTX "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr SHCTX "${UNINST_KEY}" "UninstallString" '"$INSTDIR\go-cai-dat.exe"$0'
  WriteRegStr SHCTX "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\go-cai-dat.exe" /S$0'
  WriteRegDWORD SHCTX "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD SHCTX "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD SHCTX "${UNINST_KEY}" "EstimatedSize" "$0"

  ; .cchc: the USB hand-off package opens in the app
  WriteRegStr SHCTX "Software\Classes\.cchc" "" "${PROGID}"
  WriteRegStr SHCTX "Software\Classes\.cchc" "Content Type" "application/x-cchc-package"
  WriteRegStr SHCTX "Software\Classes\${PROGID}" "" "Gói báo cáo CCHC"
  WriteRegStr SHCTX "Software\Classes\${PROGID}\DefaultIcon" "" "$INSTDIR\${EXE},0"
  WriteRegStr SHCTX "Software\Classes\${PROGID}\shell\open" "" "Mở bằng ${APP_NAME}"
  WriteRegStr SHCTX "Software\Classes\${PROGID}\shell\open\command" "" '"$INSTDIR\${EXE}" ${OPEN_PACKAGE_ARGS}'
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
SectionEnd

Section "Lối tắt trên màn hình nền" SecDesktop
  !insertmacro USE_MODE
  CreateShortcut "$DESKTOP\${APP_TITLE}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0 \
    SW_SHOWNORMAL "" "${APP_COMMENT}"
SectionEnd

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecMain} "Chương trình ${APP_NAME}, lối tắt trong menu Start và liên kết tệp gói báo cáo .cchc."
  !insertmacro MUI_DESCRIPTION_TEXT ${SecDesktop} "Thêm biểu tượng ${APP_TITLE} trên màn hình nền."
!insertmacro MUI_FUNCTION_DESCRIPTION_END

; --- uninstall: the program's own files only; the data folder stays --------------------------
Function un.onInit
  !insertmacro WHO
  ; an all-users install is the one the PC's uninstall key points to
  StrCpy $AllUsers 0
  SetRegView 64
  ReadRegStr $0 HKLM "${UNINST_KEY}" "InstallLocation"
  SetRegView lastused
  ${If} $0 == $INSTDIR
    StrCpy $AllUsers 1
    ${If} $Elevated != "Admin"
      ${If} ${Silent}
        StrCpy $1 "/S /ALLUSERS"
      ${Else}
        StrCpy $1 "/ALLUSERS"
      ${EndIf}
      ClearErrors
      ExecShell "runas" "$INSTDIR\go-cai-dat.exe" $1
      ${If} ${Errors}
        MessageBox MB_OK|MB_ICONSTOP "${APP_NAME} được cài cho mọi người dùng trên máy: cần quyền quản trị để gỡ bỏ." /SD IDOK
      ${EndIf}
      Quit
    ${EndIf}
  ${EndIf}
FunctionEnd

Section "Uninstall"
  !insertmacro USE_MODE
  !insertmacro CHECK_NOT_RUNNING
  Delete "$SMPROGRAMS\${APP_TITLE}.lnk"
  Delete "$DESKTOP\${APP_TITLE}.lnk"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${EXE}"
  Delete "$INSTDIR\${CLI_EXE}"
  Delete "$INSTDIR\go-cai-dat.exe"
  RMDir "$INSTDIR"  ; only if empty: whatever the user put there stays

  ReadRegStr $0 SHCTX "Software\Classes\.cchc" ""
  ${If} $0 == "${PROGID}"
    DeleteRegKey SHCTX "Software\Classes\.cchc"
  ${EndIf}
  DeleteRegKey SHCTX "Software\Classes\${PROGID}"
  DeleteRegKey SHCTX "${UNINST_KEY}"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
  DetailPrint "Dữ liệu báo cáo vẫn được giữ trong $DataDir."
SectionEnd
