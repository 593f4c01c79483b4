; Inno Setup script: a SKETCH, UNTESTED (written on Linux; no Windows build machine).
; See packaging/README.md, "Windows", for the steps before this one (a Windows PyInstaller
; build into dist\desktop-chat\ and an .ico file).
;
;   iscc packaging\windows\desktop-chat.iss
;
; Installs per user by default (no administrator rights), adds a Start menu entry and an
; optional desktop shortcut, and an uninstaller. The settings, history and keychain entries the
; app made are left in place on uninstall (they belong to the user).

#define AppName "Desktop Chat"
#define AppId "io.github.desktop_chat.DesktopChat"
#define AppExe "desktop-chat.exe"
; Keep in step with desktop_chat/__init__.py (__version__), or pass /DAppVersion=... to iscc.
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
; A fixed GUID-like AppId keeps upgrades and uninstalls working across versions: never change it.
AppId={{5C2D7F0E-8B7A-4E2B-9C55-DE5C0A7C1B11}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=The desktop-chat contributors
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputDir=..\..\dist
OutputBaseFilename=desktop-chat-{#AppVersion}-setup
SetupIconFile=desktop-chat.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2/max
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
WizardStyle=modern

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole one-folder PyInstaller bundle.
Source: "..\..\dist\desktop-chat\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
; AppUserModelID: Windows groups the taskbar button and toasts under it; the app should call
; SetCurrentProcessExplicitAppUserModelID with the same id at start-up.
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; AppUserModelID: "{#AppId}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; AppUserModelID: "{#AppId}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
