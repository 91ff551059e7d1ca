@echo off
rem giamsat-collector, run by the Node in this folder.
"%~dp0node\node.exe" "%~dp0lib\dist\collector\cli\main.js" %*
