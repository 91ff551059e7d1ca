@echo off
rem giamsat-agent, run by the Node in this folder.
"%~dp0node\node.exe" --max-semi-space-size=1 --no-opt --single-threaded-gc "%~dp0lib\dist\agent\cli.js" %*
