import { appTsupConfig } from "../app-deploy/tsup.app.js";

export default appTsupConfig;
