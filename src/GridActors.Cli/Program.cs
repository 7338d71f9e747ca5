using GridActors.Cli;

return await GridActorsApp.RunAsync(args);
