export { deployRedmine, destroyRedmine, REDMINE_IMAGE, redmine, redmineCli } from "./redmine.js";
